/** @jsxImportSource preact */
/**
 * A form generated from a field table, with the server's validation messages shown next to the field
 * whose path they name (`params.url: must be an http(s) URL` → under the URL field).
 * @module
 */
import { useState } from "preact/hooks";
import { ApiError } from "../api.ts";

/** One field of a generated form. */
export interface FieldSpec {
  /** Dotted path in the object (`params.url`, `retentionDays.counters`). */
  path: string;
  label: string;
  type: "text" | "number" | "select" | "password" | "checkbox" | "words";
  options?: { value: string | number; label: string }[];
  help?: string;
  placeholder?: string;
}

/** Reads a dotted path. */
export function getPath(obj: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

/** Writes a dotted path into a copy. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  const copy = { ...obj };
  copy[head!] = rest.length
    ? setPath((obj[head!] ?? {}) as Record<string, unknown>, rest.join("."), value)
    : value;
  return copy;
}

/** Converts an input's text to the field's value: numbers, word lists, empty → undefined. */
export function parseInput(type: FieldSpec["type"], raw: string): unknown {
  if (raw === "") return undefined;
  if (type === "number") return Number(raw);
  if (type === "words") return raw.trim().split(/\s+/);
  return raw;
}

/** Props of {@linkcode ObjectForm}. */
export interface ObjectFormProps {
  title: string;
  fields: FieldSpec[];
  value: Record<string, unknown>;
  onChange?: (v: Record<string, unknown>) => void;
  onSave: (v: Record<string, unknown>) => Promise<void>;
  onCancel?: () => void;
  onDelete?: () => Promise<void>;
  readOnly?: boolean;
  /** Label of the submit button (default Save). */
  submitLabel?: string;
}

/** An editor for one object. */
export function ObjectForm(props: ObjectFormProps) {
  const [value, setValue] = useState(props.value);
  const [error, setError] = useState<ApiError | Error>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const update = (path: string, v: unknown) => {
    const next = setPath(value, path, v);
    setValue(next);
    setSaved(false);
    props.onChange?.(next);
  };
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      setSaved(true);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (path: string) => error instanceof ApiError ? error.forField(path) : undefined;
  const unplaced = error instanceof ApiError
    ? error.problems.filter((p) => !props.fields.some((f) => p.startsWith(`${f.path}:`)))
    : [];
  return (
    <form
      class="card form"
      aria-label={props.title}
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => props.onSave(value));
      }}
    >
      <h2>{props.title}</h2>
      <div class="form-grid">
        {props.fields.map((f) => {
          const id = `f-${f.path.replace(/\W/g, "-")}`;
          const err = fieldError(f.path);
          const current = getPath(value, f.path);
          const common = {
            id,
            name: f.path,
            disabled: props.readOnly,
            "aria-invalid": err ? true : undefined,
            "aria-describedby": err ? `${id}-err` : undefined,
          };
          return (
            <div class={`field${err ? " invalid" : ""}${f.type === "checkbox" ? " check" : ""}`}>
              <label for={id}>{f.label}</label>
              {f.type === "select"
                ? (
                  <select
                    {...common}
                    value={String(current ?? "")}
                    onChange={(e) => {
                      const raw = e.currentTarget.value;
                      update(f.path, typeof f.options?.[0]?.value === "number" ? Number(raw) : raw);
                    }}
                  >
                    {f.options!.map((o) => (
                      <option key={String(o.value)} value={String(o.value)}>{o.label}</option>
                    ))}
                  </select>
                )
                : f.type === "checkbox"
                ? (
                  <input
                    {...common}
                    type="checkbox"
                    checked={!!current}
                    onChange={(e) => update(f.path, e.currentTarget.checked)}
                  />
                )
                : (
                  <input
                    {...common}
                    type={f.type === "words" ? "text" : f.type}
                    placeholder={f.placeholder}
                    value={current === undefined || current === null
                      ? ""
                      : Array.isArray(current)
                      ? current.join(" ")
                      : String(current)}
                    onInput={(e) => update(f.path, parseInput(f.type, e.currentTarget.value))}
                  />
                )}
              {err
                ? <div class="field-error" id={`${id}-err`} role="alert">{err}</div>
                : f.help && <div class="help">{f.help}</div>}
            </div>
          );
        })}
      </div>
      {error && !(error instanceof ApiError && error.problems.length && unplaced.length === 0) && (
        <div class="form-error" role="alert">{unplaced.length ? unplaced.join("; ") : error.message}</div>
      )}
      {!props.readOnly && (
        <div class="form-actions">
          <button class="btn primary" type="submit" disabled={busy}>
            {busy ? "Saving…" : props.submitLabel ?? "Save"}
          </button>
          {props.onCancel && <button class="btn ghost" type="button" onClick={props.onCancel}>Cancel</button>}
          {saved && <span class="saved" role="status">{props.submitLabel ? "Done" : "Saved"}</span>}
          {props.onDelete && (
            <button
              class="btn danger right"
              type="button"
              disabled={busy}
              onClick={() => confirm("Delete this object?") && run(props.onDelete!)}
            >
              Delete
            </button>
          )}
        </div>
      )}
    </form>
  );
}
