// A button that opens the file chooser and uploads what was chosen into the package, showing
// the API's refusal (too large, macros, wrong type...) right below it, where the officer acted.
import { Alert, Button, Space } from "antd";
import { useRef, useState, type ReactNode } from "react";
import { useApi } from "../../api/ApiProvider";
import { useI18n, type TextKey } from "../../i18n";
import { problemOf, uploadFile, type FileKind, type FileOut } from "./files";

interface Props {
  id: string;
  campaign: string;
  kind: FileKind;
  label: TextKey;
  accept: string;
  icon?: ReactNode;
  disabled?: boolean;
  onUploaded: (file: FileOut) => void;
}

export function FilePicker({ id, campaign, kind, label, accept, icon, disabled, onUploaded }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof problemOf> | null>(null);

  async function chosen(files: FileList | null) {
    const file = files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      onUploaded(await uploadFile(api, campaign, kind, file));
    } catch (e) {
      setError(problemOf(e));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = ""; // the same file may be chosen again
    }
  }

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <input ref={input} id={`${id}-input`} type="file" accept={accept} hidden onChange={(e) => void chosen(e.target.files)} />
      <Button id={id} icon={icon} loading={busy} disabled={disabled} onClick={() => input.current?.click()}>
        {busy ? t("pkgUploading") : t(label)}
      </Button>
      {error && (
        <Alert type="error" showIcon className="pkg-error" id={`${id}-error`} message={t(error.heading)} description={error.detail}
          closable onClose={() => setError(null)} />
      )}
    </Space>
  );
}
