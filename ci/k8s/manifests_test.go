// Package k8s holds no code: its test decodes the Kubernetes manifests
// beside it into the k8s.io/api types, strictly, and checks their wiring
// (Kubernetes is not reachable from where hive is built and tested).
package k8s

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// objects are the decoded documents of one manifest file.
type objects struct {
	jobs map[string]*batchv1.Job
	pvcs map[string]*corev1.PersistentVolumeClaim
}

// decode reads every document of path strictly: an unknown field, a
// misspelt one or a value of the wrong type is an error, as the API server
// would refuse it.
func decode(t *testing.T, path string) objects {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o := objects{jobs: map[string]*batchv1.Job{}, pvcs: map[string]*corev1.PersistentVolumeClaim{}}
	for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		if strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
			t.Fatalf("%s document %d: %v", path, i, err)
		}
		switch tm.APIVersion + "/" + tm.Kind {
		case "batch/v1/Job":
			var j batchv1.Job
			if err := yaml.UnmarshalStrict([]byte(doc), &j); err != nil {
				t.Fatalf("%s document %d (Job): %v", path, i, err)
			}
			o.jobs[j.Name] = &j
		case "v1/PersistentVolumeClaim":
			var p corev1.PersistentVolumeClaim
			if err := yaml.UnmarshalStrict([]byte(doc), &p); err != nil {
				t.Fatalf("%s document %d (PersistentVolumeClaim): %v", path, i, err)
			}
			o.pvcs[p.Name] = &p
		default:
			t.Fatalf("%s document %d: unexpected %s %s; the wiring test knows Jobs and PersistentVolumeClaims", path, i, tm.APIVersion, tm.Kind)
		}
	}
	return o
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func envOf(c corev1.Container, name string) (corev1.EnvVar, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e, true
		}
	}
	return corev1.EnvVar{}, false
}

func script(c corev1.Container) string { return strings.Join(append(c.Command, c.Args...), " ") }

// claimAt is the PersistentVolumeClaim mounted at mountPath in c.
func claimAt(spec corev1.PodSpec, c corev1.Container, mountPath string) string {
	for _, m := range c.VolumeMounts {
		if m.MountPath != mountPath {
			continue
		}
		for _, v := range spec.Volumes {
			if v.Name == m.Name && v.PersistentVolumeClaim != nil {
				return v.PersistentVolumeClaim.ClaimName
			}
		}
	}
	return ""
}

// split is one scheduler's wiring: an Indexed Job of N parts and the merge
// Job that waits for them.
type split struct {
	file, parts, merge string
	nVar, prefix, flag string // SHARDS, shard, --shard
	hivebench          string // the part's subcommand
}

var splits = []split{
	{"replay-sharded.yaml", "hive-replay-shards", "hive-replay-merge", "SHARDS", "shard", "--shard", "hivebench workload replay"},
	{"load-segments.yaml", "hive-load-segments", "hive-load-merge", "SEGMENTS", "segment", "--segment", "hivebench load"},
}

func TestManifestsAreWiredForNParts(t *testing.T) {
	for _, s := range splits {
		t.Run(s.file, func(t *testing.T) {
			o := decode(t, s.file)
			parts, merge := o.jobs[s.parts], o.jobs[s.merge]
			if parts == nil || merge == nil {
				t.Fatalf("want Jobs %s and %s, got %v", s.parts, s.merge, o.jobs)
			}

			// The parts: an Indexed Job of N pods at once.
			if parts.Spec.CompletionMode == nil || *parts.Spec.CompletionMode != batchv1.IndexedCompletion {
				t.Errorf("%s: completionMode must be Indexed: the index is the part number", s.parts)
			}
			if parts.Spec.Completions == nil || parts.Spec.Parallelism == nil {
				t.Fatalf("%s: completions and parallelism must be set to N", s.parts)
			}
			n := int(*parts.Spec.Completions)
			if int(*parts.Spec.Parallelism) != n || n < 1 {
				t.Errorf("%s: parallelism %d, completions %d: all N parts run side by side", s.parts, *parts.Spec.Parallelism, n)
			}
			pod := parts.Spec.Template.Spec
			if pod.RestartPolicy != corev1.RestartPolicyNever {
				t.Errorf("%s: restartPolicy %q: a part that failed must not be rerun in place over its own results", s.parts, pod.RestartPolicy)
			}
			if len(pod.Containers) != 1 {
				t.Fatalf("%s: want one container, got %d", s.parts, len(pod.Containers))
			}
			c := pod.Containers[0]
			idx, ok := envOf(c, "JOB_COMPLETION_INDEX")
			if !ok || idx.ValueFrom == nil || idx.ValueFrom.FieldRef == nil ||
				idx.ValueFrom.FieldRef.FieldPath != "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
				t.Errorf("%s: JOB_COMPLETION_INDEX must come from the job-completion-index annotation, got %+v", s.parts, idx)
			}
			if e, _ := envOf(c, s.nVar); e.Value != strconv.Itoa(n) {
				t.Errorf("%s: %s is %q but completions is %d", s.parts, s.nVar, e.Value, n)
			}
			cmd := script(c)
			run, _ := envOf(c, "RUN")
			if run.Value == "" {
				t.Errorf("%s: RUN must name the run's directory on the shared volume", s.parts)
			}
			for _, want := range []string{`mkdir -p "/results/$RUN"`, s.hivebench, s.flag + ` "$JOB_COMPLETION_INDEX/$` + s.nVar + `"`, `--out "/results/$RUN/` + s.prefix + `-$JOB_COMPLETION_INDEX.json"`} {
				if !strings.Contains(cmd, want) {
					t.Errorf("%s: the command does not contain %q:\n%s", s.parts, want, cmd)
				}
			}
			claim := claimAt(pod, c, "/results")
			if claim == "" || o.pvcs[claim] == nil {
				t.Fatalf("%s: /results must be a PersistentVolumeClaim of this file, got %q", s.parts, claim)
			}
			if am := o.pvcs[claim].Spec.AccessModes; len(am) != 1 || am[0] != corev1.ReadWriteMany {
				t.Errorf("%s: access modes %v; N pods write it, so ReadWriteMany", claim, am)
			}

			// The merge: waits for all N, then merges them from the same volume.
			mpod := merge.Spec.Template.Spec
			if len(mpod.InitContainers) != 1 || len(mpod.Containers) != 1 {
				t.Fatalf("%s: want one init container (the wait) and one container (the merge)", s.merge)
			}
			wait, mc := mpod.InitContainers[0], mpod.Containers[0]
			for _, x := range []corev1.Container{wait, mc} {
				if e, _ := envOf(x, s.nVar); e.Value != strconv.Itoa(n) {
					t.Errorf("%s/%s: %s is %q but the parts are %d", s.merge, x.Name, s.nVar, e.Value, n)
				}
				if e, _ := envOf(x, "RUN"); e.Value != run.Value {
					t.Errorf("%s/%s: RUN is %q but the parts write to run %q", s.merge, x.Name, e.Value, run.Value)
				}
				if got := claimAt(mpod, x, "/results"); got != claim {
					t.Errorf("%s/%s: /results is claim %q, the parts write to %q", s.merge, x.Name, got, claim)
				}
			}
			if !strings.Contains(script(wait), `/results/$RUN/`+s.prefix+`-$k.json`) {
				t.Errorf("%s: the wait does not look for /results/$RUN/%s-$k.json", s.merge, s.prefix)
			}
			if !strings.Contains(script(mc), `hivebench merge /results/$RUN/`+s.prefix+`-*.json --out /results/$RUN/merged.json`) {
				t.Errorf("%s: the merge does not merge /results/$RUN/%s-*.json:\n%s", s.merge, s.prefix, script(mc))
			}
			if merge.Spec.BackoffLimit == nil || *merge.Spec.BackoffLimit != 0 {
				t.Errorf("%s: backoffLimit must be 0: a merge's verdict is not retried into another", s.merge)
			}
			if merge.Spec.ActiveDeadlineSeconds == nil || parts.Spec.ActiveDeadlineSeconds == nil {
				t.Errorf("every Job is bounded in time (activeDeadlineSeconds)")
			}
		})
	}
}

// The wait runs for real: with all N results files it returns at once;
// with one missing it gives up after its bounded loop (sped up here), so
// that the merge runs and names the missing part.
func TestTheWaitReturnsWhenEveryPartIsThere(t *testing.T) {
	for _, s := range splits {
		t.Run(s.file, func(t *testing.T) {
			o := decode(t, s.file)
			parts, merge := o.jobs[s.parts], o.jobs[s.merge]
			n := int(*parts.Spec.Completions)
			wait := merge.Spec.Template.Spec.InitContainers[0]
			dir := t.TempDir()
			body := strings.ReplaceAll(wait.Args[0], "/results/$RUN/", dir+"/")
			body = strings.ReplaceAll(body, "sleep 10", "sleep 0")
			body = regexp.MustCompile(`seq 1 \d+`).ReplaceAllString(body, "seq 1 3")
			run := func() (string, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, wait.Command[0], append(wait.Command[1:], body)...)
				cmd.Env = []string{s.nVar + "=" + strconv.Itoa(n), "PATH=" + os.Getenv("PATH")}
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				return stderr.String(), err
			}
			for k := 0; k < n-1; k++ {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.json", s.prefix, k)), []byte("{}"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			stderr, err := run()
			if err != nil || !strings.Contains(stderr, fmt.Sprintf("found %d", n-1)) {
				t.Errorf("with %d of %d parts the wait should give up and say so: %v, %q", n-1, n, err, stderr)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.json", s.prefix, n-1)), []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
			stderr, err = run()
			if err != nil || stderr != "" {
				t.Errorf("with every part the wait should return quietly: %v, %q", err, stderr)
			}
		})
	}
}

// A typo is caught: the strict decode refuses a field the API does not
// have, which a plain decode would drop.
func TestDecodeIsStrict(t *testing.T) {
	doc := "apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec:\n  completionMod: Indexed\n"
	var j batchv1.Job
	if err := yaml.UnmarshalStrict([]byte(doc), &j); err == nil || !strings.Contains(err.Error(), "completionMod") {
		t.Fatalf("a misspelt field must be refused, got %v", err)
	}
}
