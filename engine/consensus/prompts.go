package consensus

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/hiveperf/hive/engine/llm"
)

// The system prompts give each stage one job, so that the stages disagree
// usefully instead of repeating each other.
const (
	generatorPrompt = `You are the Generator in a four-stage answer pipeline. Answer the user's question broadly: cover the main approaches, the relevant facts and the trade-offs, and say what you are unsure of. Later stages will refine, check and condense your answer, so favour coverage over polish.`

	refinerPrompt = `You are the Refiner in a four-stage answer pipeline. You receive a question and a draft answer. Improve its depth and accuracy: correct mistakes, add missing specifics (numbers, names, code, caveats), remove padding and anything off-topic. Return the improved answer itself, not a review of the draft.`

	validatorPrompt = `You are the Validator in a four-stage answer pipeline. You receive a question and a refined answer. Check it fact by fact. List every error, unsupported claim or risky recommendation with a correction, and name credible alternatives the answer missed. Do not rewrite the answer; report findings as a concise list, and say plainly if you found nothing wrong.`

	curatorPrompt = `You are the Curator, the last stage of a four-stage answer pipeline. You receive the question and every earlier stage's output: the Generator's broad draft, the Refiner's improved answer and the Validator's findings. Synthesize the final answer for the user: keep what is correct, apply the Validator's corrections, resolve disagreements explicitly, and leave out the pipeline's internal discussion. Answer directly and completely.`

	directPrompt = `You are a careful expert assistant. Answer the user's question accurately and completely; say what you are unsure of.`
)

// promptsDigest enters the cache key: editing a prompt invalidates answers
// produced with the old one.
var promptsDigest = func() string {
	h := sha256.New()
	for _, p := range []string{generatorPrompt, refinerPrompt, validatorPrompt, curatorPrompt, directPrompt} {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}()

func systemPrompt(stage string) string {
	switch stage {
	case StageGenerator:
		return generatorPrompt
	case StageRefiner:
		return refinerPrompt
	case StageValidator:
		return validatorPrompt
	case StageCurator:
		return curatorPrompt
	default:
		return directPrompt
	}
}

// stageOutput is what one earlier stage produced, as later stages see it.
type stageOutput struct {
	stage   string
	content string
}

// stageTitle is how an earlier stage's output is labelled in later prompts.
func stageTitle(stage string) string {
	switch stage {
	case StageGenerator:
		return "Generator draft"
	case StageRefiner:
		return "Refined answer"
	case StageValidator:
		return "Validator findings"
	default:
		return stage
	}
}

// buildMessages assembles one stage's chat. The Refiner sees the draft, the
// Validator the refined answer, and the Curator every earlier output: it
// must be able to restore a point the Refiner dropped or weigh a Validator
// objection against the original draft.
func buildMessages(stage, question, context string, earlier []stageOutput) []llm.Message {
	var b strings.Builder
	size := len(question) + len(context) + 64
	for _, o := range earlier {
		size += len(o.content) + 32
	}
	b.Grow(size)
	if context != "" {
		b.WriteString("Context:\n")
		b.WriteString(context)
		b.WriteString("\n\n")
	}
	b.WriteString("Question:\n")
	b.WriteString(question)

	var shown []stageOutput
	switch stage {
	case StageRefiner:
		shown = pick(earlier, StageGenerator)
	case StageValidator:
		shown = pick(earlier, StageRefiner)
	case StageCurator:
		shown = earlier
	}
	for _, o := range shown {
		b.WriteString("\n\n=== ")
		b.WriteString(stageTitle(o.stage))
		b.WriteString(" ===\n")
		b.WriteString(o.content)
	}
	return []llm.Message{
		{Role: "system", Content: systemPrompt(stage)},
		{Role: "user", Content: b.String()},
	}
}

func pick(outs []stageOutput, stage string) []stageOutput {
	for i := range outs {
		if outs[i].stage == stage {
			return outs[i : i+1]
		}
	}
	return nil
}
