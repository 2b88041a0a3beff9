// hive's built-in consensus profiles and prices (engine/consensus/
// profiles.yaml), so that a run sends upstream what hive's would.
export interface StageConfig {
  model: string;
  fallbacks: string[];
  temperature?: number;
  max_tokens?: number;
}

export interface Profile {
  name: string;
  stages: [string, StageConfig][];
}

const s = (model: string, fallback: string, temperature: number, max_tokens: number): StageConfig =>
  ({ model, fallbacks: [fallback], temperature, max_tokens });

const four = (name: string, g: StageConfig, r: StageConfig, v: StageConfig, c: StageConfig): Profile =>
  ({ name, stages: [["generator", g], ["refiner", r], ["validator", v], ["curator", c]] });

export const DEFAULT_PROFILE = "balanced";

export const PROFILES: Record<string, Profile> = {
  speed: four("speed",
    s("google/gemini-2.0-flash-001", "openai/gpt-4o-mini", 0.7, 800),
    s("openai/gpt-4o-mini", "google/gemini-2.0-flash-001", 0.5, 800),
    s("google/gemini-2.0-flash-001", "anthropic/claude-3.5-haiku", 0.2, 600),
    s("openai/gpt-4o-mini", "google/gemini-2.0-flash-001", 0.3, 1000)),
  balanced: four("balanced",
    s("openai/gpt-4o-mini", "google/gemini-2.0-flash-001", 0.7, 1200),
    s("anthropic/claude-3.5-haiku", "openai/gpt-4o-mini", 0.5, 1200),
    s("google/gemini-2.0-flash-001", "meta-llama/llama-3.3-70b-instruct", 0.2, 800),
    s("openai/gpt-4o", "anthropic/claude-3.5-haiku", 0.3, 1500)),
  elite: four("elite",
    s("anthropic/claude-3.5-sonnet", "openai/gpt-4o", 0.7, 2000),
    s("openai/gpt-4o", "anthropic/claude-3.5-sonnet", 0.5, 2000),
    s("google/gemini-2.5-pro", "deepseek/deepseek-r1", 0.2, 1500),
    s("anthropic/claude-3.7-sonnet", "openai/gpt-4o", 0.3, 2500)),
  cost: four("cost",
    s("deepseek/deepseek-chat", "meta-llama/llama-3.3-70b-instruct", 0.7, 1000),
    s("meta-llama/llama-3.3-70b-instruct", "deepseek/deepseek-chat", 0.5, 1000),
    s("google/gemini-2.0-flash-lite-001", "mistralai/mistral-nemo", 0.2, 700),
    s("deepseek/deepseek-chat", "meta-llama/llama-3.3-70b-instruct", 0.3, 1200)),
  direct: { name: "direct", stages: [["direct", s("openai/gpt-4o-mini", "google/gemini-2.0-flash-001", 0.5, 1500)]] },
};

// USD per million tokens, used only when upstream reports no cost.
export const PRICES: Record<string, { prompt: number; completion: number }> = {
  "openai/gpt-4o-mini": { prompt: 0.15, completion: 0.6 },
  "openai/gpt-4o": { prompt: 2.5, completion: 10 },
  "anthropic/claude-3.5-haiku": { prompt: 0.8, completion: 4 },
  "anthropic/claude-3.5-sonnet": { prompt: 3, completion: 15 },
  "anthropic/claude-3.7-sonnet": { prompt: 3, completion: 15 },
  "google/gemini-2.0-flash-001": { prompt: 0.1, completion: 0.4 },
  "google/gemini-2.0-flash-lite-001": { prompt: 0.075, completion: 0.3 },
  "google/gemini-2.5-pro": { prompt: 1.25, completion: 10 },
  "meta-llama/llama-3.3-70b-instruct": { prompt: 0.12, completion: 0.3 },
  "deepseek/deepseek-chat": { prompt: 0.38, completion: 0.89 },
  "deepseek/deepseek-r1": { prompt: 0.4, completion: 2 },
  "mistralai/mistral-nemo": { prompt: 0.02, completion: 0.04 },
};
