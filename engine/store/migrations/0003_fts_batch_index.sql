-- 0003: symbols are indexed in FTS5 once per batch, not row by row. The
-- insert trigger ran the FTS5 insert as a trigger program for every symbol
-- row; UpsertFiles now indexes a batch's new rows with one
-- INSERT INTO symbols_fts ... SELECT in the same transaction, which costs
-- about what a rebuild does (measured on 151k kernel symbols: the trigger
-- path was half of all persisting). Deletes still go through the delete
-- trigger, which must see only indexed rows: every symbol row is indexed
-- by the transaction that inserts it.
DROP TRIGGER symbols_fts_insert;
