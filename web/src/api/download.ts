// Downloads through the typed clients: a plain link cannot carry the bearer token, so the file is
// fetched with it and handed to the browser as a Blob URL, under the name the service gave it.
//   await saveFile(api.aggregator.GET("/v1/campaigns/{campaign}/statistics.xlsx", { params, parseAs: "blob" }), "统计表.xlsx")
import { unwrap } from "./client";

/** The file name of a Content-Disposition header (RFC 6266: filename* first, then filename). */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) return decodeURIComponent(star[1].trim());
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain ? plain[1].trim() : null;
}

/** Awaits an openapi-fetch call made with `parseAs: "blob"` and saves its body as a file; a
 * problem+json answer is thrown as ApiError, like every other call. */
export async function saveFile(
  call: Promise<{ data?: Blob; error?: unknown; response: Response }>,
  fallbackName: string,
): Promise<string> {
  const settled = await call;
  const blob = await unwrap(Promise.resolve(settled));
  const name = dispositionName(settled.response.headers.get("Content-Disposition")) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return name;
}
