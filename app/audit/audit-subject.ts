/** The patient a call was about, for the audit log's filter: read from what was asked and what came back. */
export function patientOfCall(channel: string, input: unknown, output: unknown): number | null {
  const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
  const inp = (input ?? {}) as Record<string, unknown>;
  const out = (output ?? {}) as Record<string, unknown>;
  if (channel.startsWith('patients:') && channel !== 'patients:create' && channel !== 'patients:list')
    return num(inp.id) ?? num(inp.keepId);
  if (channel === 'patients:create') return num(out.id);
  const visit = (inp.visit ?? {}) as Record<string, unknown>;
  const patient = (out.patient ?? {}) as Record<string, unknown>;
  const image = (out.image ?? {}) as Record<string, unknown>;
  return (
    num(inp.patientId) ??
    num(visit.patientId) ??
    num(out.patientId) ??
    num(patient.id) ??
    num(image.patientId)
  );
}
