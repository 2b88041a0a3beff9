-- 0004: which process a running run belongs to. A conversation row is
-- 'running' from the moment its run starts until its outcome is written;
-- owner names the process (boot id, pid and start time, see owner.go), so
-- that the next Open can tell a run still going from one whose process
-- died, and mark the latter 'abandoned' instead of leaving it 'running'
-- for ever. Rows from before this column have no owner to ask: they are
-- marked here. The partial index keeps that lookup off the whole table.
ALTER TABLE conversations ADD COLUMN owner TEXT NOT NULL DEFAULT '';
UPDATE conversations SET status = 'abandoned' WHERE status = 'running';
CREATE INDEX conversations_running ON conversations(owner) WHERE status = 'running';
