// The stage prompts and message assembly of hive's engine/consensus, word
// for word: the same requests upstream.
import { createHash } from "node:crypto";

export const PROMPTS: Record<string, string> = {
  generator: `You are the Generator in a four-stage answer pipeline. Answer the user's question broadly: cover the main approaches, the relevant facts and the trade-offs, and say what you are unsure of. Later stages will refine, check and condense your answer, so favour coverage over polish.`,
  refiner: `You are the Refiner in a four-stage answer pipeline. You receive a question and a draft answer. Improve its depth and accuracy: correct mistakes, add missing specifics (numbers, names, code, caveats), remove padding and anything off-topic. Return the improved answer itself, not a review of the draft.`,
  validator: `You are the Validator in a four-stage answer pipeline. You receive a question and a refined answer. Check it fact by fact. List every error, unsupported claim or risky recommendation with a correction, and name credible alternatives the answer missed. Do not rewrite the answer; report findings as a concise list, and say plainly if you found nothing wrong.`,
  curator: `You are the Curator, the last stage of a four-stage answer pipeline. You receive the question and every earlier stage's output: the Generator's broad draft, the Refiner's improved answer and the Validator's findings. Synthesize the final answer for the user: keep what is correct, apply the Validator's corrections, resolve disagreements explicitly, and leave out the pipeline's internal discussion. Answer directly and completely.`,
  direct: `You are a careful expert assistant. Answer the user's question accurately and completely; say what you are unsure of.`,
};

export const PROMPTS_DIGEST = (() => {
  const h = createHash("sha256");
  for (const k of ["generator", "refiner", "validator", "curator", "direct"]) {
    h.update(PROMPTS[k]);
    h.update(Buffer.from([0]));
  }
  return h.digest("hex").slice(0, 16);
})();

const TITLES: Record<string, string> = { generator: "Generator draft", refiner: "Refined answer", validator: "Validator findings" };

export interface StageOutput {
  stage: string;
  content: string;
}

export interface ChatMessage {
  role: string;
  content: string;
}

// The Refiner sees the draft, the Validator the refined answer, the Curator
// every earlier output.
export function buildMessages(stage: string, question: string, context: string, earlier: StageOutput[]): ChatMessage[] {
  let user = "";
  if (context !== "") user += "Context:\n" + context + "\n\n";
  user += "Question:\n" + question;
  let shown: StageOutput[] = [];
  if (stage === "refiner") shown = earlier.filter((o) => o.stage === "generator").slice(0, 1);
  else if (stage === "validator") shown = earlier.filter((o) => o.stage === "refiner").slice(0, 1);
  else if (stage === "curator") shown = earlier;
  for (const o of shown) user += "\n\n=== " + (TITLES[o.stage] ?? o.stage) + " ===\n" + o.content;
  return [{ role: "system", content: PROMPTS[stage] ?? PROMPTS.direct }, { role: "user", content: user }];
}
