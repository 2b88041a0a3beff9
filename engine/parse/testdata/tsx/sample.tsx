// A golden-test input for the TSX analyzer.
import React from "react";

interface Props {
  title: string;
  items: string[];
}

export function List({ title, items }: Props) {
  if (items.length === 0) {
    return <p>No {title}</p>;
  }
  return (
    <ul>
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}

export const Header = ({ title }: Props) => <h1>{title}</h1>;

class Counter extends React.Component<Props> {
  render() {
    return <span>{this.props.items.length > 0 ? "some" : "none"}</span>;
  }
}
