// Maculopathy (exudates or haemorrhages near the fovea), the second reason screening programmes refer. No model
// EyeNet ships assesses it yet (issue #23): every place a result goes says so, never a blank that reads as "none".

/** What a result says of maculopathy when its model has no maculopathy head (all models so far). */
export const MACULOPATHY_NOT_ASSESSED =
  'Maculopathy: not assessed by this model. Look at the macula: exudates or haemorrhages near the fovea are a reason to refer by themselves.';

/** The short form, for tables and exports. */
export const MACULOPATHY_NOT_ASSESSED_SHORT = 'not assessed by this model';
