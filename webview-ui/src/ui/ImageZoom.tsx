import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import './imageZoom.css';

// Click an image in the transcript to see it large; Esc, the close button or a click outside it
// closes. The viewer is a modal <dialog> owned by the app (a row may scroll out of the page and
// unmount while its image is open; the dialog's top layer also escapes the rows' transforms).

type Zoomed = { src: string; alt: string };

const Zoom = createContext<(image: Zoomed) => void>(() => undefined);

export function ImageZoomHost({ children }: { children: ComponentChildren }) {
  const [zoomed, setZoomed] = useState<Zoomed | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = dialog.current;
    if (zoomed && el && !el.open) el.showModal();
  }, [zoomed]);
  return (
    <Zoom.Provider value={setZoomed}>
      {children}
      {zoomed && (
        <dialog
          ref={dialog}
          class="zoom"
          aria-label={`Image: ${zoomed.alt}`}
          onClose={() => setZoomed(null)}
          onClick={(e) => {
            if (e.target === e.currentTarget) dialog.current?.close();
          }}
        >
          <img class="zoom-image" src={zoomed.src} alt={zoomed.alt} />
          <button type="button" class="button ghost small zoom-close" aria-label="Close image (Esc)" onClick={() => dialog.current?.close()}>
            ✕
          </button>
        </dialog>
      )}
    </Zoom.Provider>
  );
}

export function ZoomableImage({ src, alt }: { src: string; alt: string }) {
  const zoom = useContext(Zoom);
  return (
    <button type="button" class="shot-button" aria-label={`${alt}: view larger`} onClick={() => zoom({ src, alt })}>
      <img class="shot" src={src} alt={alt} />
    </button>
  );
}
