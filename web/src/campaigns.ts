import type { AggregatorSchemas } from "./api/client";

type Campaign = AggregatorSchemas["CampaignOut"];

/** The campaign a page opens on: the one under way today, else the latest that has started,
 * else the first there is. */
export function currentCampaign(items: Campaign[]): Campaign | null {
  const today = new Date().toISOString().slice(0, 10);
  const started = items.filter((c) => c.starts_on <= today).sort((a, b) => b.starts_on.localeCompare(a.starts_on));
  return started.find((c) => c.ends_on >= today) ?? started[0] ?? items[0] ?? null;
}
