package history

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hiveperf/hive/internal/exitcode"
)

// pgDSN returns HIVE_TEST_PG_DSN or skips, saying how to get one.
func pgDSN(t *testing.T) string {
	t.Helper()
	dsn := getenv("HIVE_TEST_PG_DSN")
	if dsn == "" {
		t.Skip("PostgreSQL history tests need a server: HIVE_TEST_PG_DSN is unset; run ci/history-pg-test.sh, which starts a throwaway server and sets it")
	}
	return dsn
}

// freshSchema creates an empty schema on the test server and returns a DSN
// whose search_path points at it, so every test starts from no tables and
// runs on one server do not see each other.
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	schema := fmt.Sprintf("hive_test_%d", time.Now().UnixNano())
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	return withParam(t, dsn, "search_path", schema)
}

func withParam(t *testing.T, dsn, key, value string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "=" + value
}

func TestPostgresBackend(t *testing.T) {
	dsn := freshSchema(t, pgDSN(t))
	ctx := context.Background()
	b, err := OpenPostgres(ctx, dsn)
	require.NoError(t, err)
	defer b.Close()
	v, err := b.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, PGSchema(), v)
	exerciseBackend(t, b)

	// Opening again neither fails nor re-applies migrations, and sees the
	// same history (a second CI runner).
	b2, err := OpenPostgres(ctx, dsn)
	require.NoError(t, err)
	defer b2.Close()
	v, err = b2.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, PGSchema(), v)
	runs, err := b2.Runs(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, runs, 12)
}

func TestPostgresWrongPassword(t *testing.T) {
	dsn := pgDSN(t)
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(t, err)
	const wrong = "Wr0ngPassw0rd-do-not-print"
	bad := fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", cfg.User, wrong, cfg.Host, cfg.Port, cfg.Database)
	_, err = OpenPostgres(context.Background(), bad)
	require.Error(t, err)
	assert.Equal(t, exitcode.Infra, exitcode.Code(err))
	assert.NotContains(t, err.Error(), wrong)
	assert.Contains(t, err.Error(), "user="+cfg.User)
	assert.Contains(t, err.Error(), "password authentication failed")
}

// TestPostgresBadDSN needs no server: an unreachable server and an
// unparsable DSN must both fail cleanly without printing the password.
func TestPostgresBadDSN(t *testing.T) {
	const secret = "S3cretPassw0rd"
	cases := []struct {
		name string
		dsn  string
		code int
		want string
	}{
		{"nothing listens", "postgres://hive:" + secret + "@127.0.0.1:1/hist?sslmode=disable&connect_timeout=5", exitcode.Infra, "host=127.0.0.1 port=1 db=hist user=hive"},
		{"not a DSN", "postgres://hive:" + secret + "@127.0.0.1:notaport/hist", exitcode.Usage, "--history-dsn"},
		{"key value garbage", "host=127.0.0.1 password=" + secret + " port=abc", exitcode.Usage, "--history-dsn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := OpenPostgres(context.Background(), c.dsn)
			require.Error(t, err)
			assert.Equal(t, c.code, exitcode.Code(err))
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

// TestPostgresConcurrentOpen: CI runners starting together on an empty
// database must all succeed, with the schema applied exactly once.
func TestPostgresConcurrentOpen(t *testing.T) {
	dsn := freshSchema(t, pgDSN(t))
	ctx := context.Background()
	const runners = 4
	errs := make(chan error, runners)
	for range runners {
		go func() {
			b, err := OpenPostgres(ctx, dsn)
			if err == nil {
				err = b.Close()
			}
			errs <- err
		}()
	}
	for range runners {
		assert.NoError(t, <-errs)
	}
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var rows int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM hive_history_schema").Scan(&rows))
	assert.Equal(t, PGSchema(), rows, "each migration recorded once")
}
