// The report package's files through the aggregator: upload (multipart), download and the
// previews of photos, all with the bearer token of the typed client.
import type { Api, AggregatorSchemas } from "../../api/client";
import { ApiError, unwrap } from "../../api/client";
import { saveFile } from "../../api/download";
import type { TextKey } from "../../i18n";

export type FileOut = AggregatorSchemas["FileOut"];
export type FileKind = AggregatorSchemas["FileKind"];

export async function uploadFile(api: Api, campaign: string, kind: FileKind, file: File): Promise<FileOut> {
  return unwrap(
    api.aggregator.POST("/v1/campaigns/{campaign}/files", {
      params: { path: { campaign } },
      // the generated body types the file as a string; the browser sends the File itself
      body: { file: file.name, kind },
      bodySerializer: (body) => {
        const form = new FormData();
        form.append("kind", body.kind);
        form.append("file", file, file.name);
        return form;
      },
    }),
  );
}

export function downloadFile(api: Api, file: FileOut): Promise<string> {
  return saveFile(
    api.aggregator.GET("/v1/files/{file_id}", { params: { path: { file_id: file.id } }, parseAs: "blob" }),
    file.filename,
  );
}

/** The whole file as a Blob (to open a PDF in a new window). */
export function fileBlob(api: Api, fileId: string): Promise<Blob> {
  return unwrap(api.aggregator.GET("/v1/files/{file_id}", { params: { path: { file_id: fileId } }, parseAs: "blob" }));
}

/** A photo's small JPEG (at most 320 pixels a side). */
export function previewBlob(api: Api, fileId: string): Promise<Blob> {
  return unwrap(api.aggregator.GET("/v1/files/{file_id}/preview", { params: { path: { file_id: fileId } }, parseAs: "blob" }));
}

export function isImage(file: FileOut): boolean {
  return file.media_type.startsWith("image/");
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** An error of the API as the officer reads it where they acted: a heading of ours by its kind
 * (too large, refused by the checks, else failed) and the service's own detail, which names the
 * reason (the services answer the package's refusals in Chinese). */
export function problemOf(error: unknown): { heading: TextKey; detail: string } {
  if (error instanceof ApiError) {
    const said = error.problem?.detail;
    const fields = (error.problem?.errors ?? []).map((e) => e.message).filter((m) => m && m !== said);
    const detail = [said, ...new Set(fields)].filter(Boolean).join("：");
    if (error.status === 413) return { heading: "pkgErrTooLarge", detail };
    if (error.status === 415 || error.status === 422) return { heading: "pkgErrRefused", detail };
    return { heading: "pkgErrFailed", detail: detail || error.message };
  }
  return { heading: "pkgErrFailed", detail: error instanceof Error ? error.message : String(error) };
}
