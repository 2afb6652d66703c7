// A photo's preview: fetched with the bearer token (a plain <img src> cannot carry it) and shown
// through a Blob URL, revoked when the thumbnail goes.
import { Image, Spin } from "antd";
import { useEffect, useState } from "react";
import { useApi } from "../../api/ApiProvider";
import { previewBlob } from "./files";

export function Thumbnail({ fileId, alt, size = 96 }: { fileId: string; alt: string; size?: number }) {
  const api = useApi();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current: string | null = null;
    let alive = true;
    previewBlob(api, fileId)
      .then((blob) => {
        if (!alive) return;
        current = URL.createObjectURL(blob);
        setUrl(current);
      })
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
      if (current) URL.revokeObjectURL(current);
    };
  }, [api, fileId]);
  const box = { width: size, height: size, display: "inline-flex", alignItems: "center", justifyContent: "center", background: "#f5f5f5", borderRadius: 4 };
  if (failed) return <span style={box} title={alt}>✕</span>;
  if (!url) return <span style={box}><Spin size="small" /></span>;
  return <Image src={url} alt={alt} width={size} height={size} style={{ objectFit: "cover", borderRadius: 4 }} className="pkg-thumb" data-file={fileId} />;
}
