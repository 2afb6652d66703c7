import { useApi } from "../api/ApiProvider";
import { unwrap } from "../api/client";
import { useI18n } from "../i18n";
import { useAsync } from "../useAsync";

/** A reporting unit's name (北京市, …) from the aggregator's reference data. */
export function useUnitName(code: string | null): string | null {
  const api = useApi();
  const { lang } = useI18n();
  const reference = useAsync(() => unwrap(api.aggregator.GET("/v1/reference")), [api]);
  const unit = reference.data?.units.find((u) => u.code === code);
  return unit ? (lang === "zh" ? unit.name : unit.name_en) : null;
}
