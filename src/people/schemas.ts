import { z } from 'zod'
import { field } from '../core/fields.ts'
import { todayIso, ageOn } from '../core/dates.ts'
import { genders, outOfSchoolReasons } from './tables.ts'

export const ageBands = ['0-5', '6-9', '10-13', '14-18', '19+'] as const
export type AgeBand = (typeof ageBands)[number]
export const childStatuses = ['active', 'left', 'all'] as const

/** Oldest a person in the register can be: the register is for children and youth. */
export const MAX_REGISTER_AGE = 25

const phone = z
  .string('v.invalid')
  .trim()
  .max(20, 'v.tooLong|20')
  .transform((s) => s.replace(/[\s-]/g, ''))
  .refine((s) => s === '' || /^(\+?91)?[0-9]{10}$/.test(s), 'v.phone')
  .optional()
  .default('')

const pastDate = () => field.date().refine((d) => d <= todayIso(), 'v.dateFuture')

const childFields = z.object({
  name: field.name(100),
  gender: field.choice(genders),
  dateOfBirth: pastDate().refine((d) => ageOn(d) <= MAX_REGISTER_AGE, `v.tooOld|${MAX_REGISTER_AGE}`),
  ward: field.name(40),
  school: field.optionalName(150),
  schoolClass: field.optionalText(40),
  inSchool: field.choice(['yes', 'no']).transform((v) => v === 'yes'),
  outOfSchoolReason: z
    .union([z.literal(''), field.choice(outOfSchoolReasons)])
    .optional()
    .transform((v) => (v ? v : null)),
  guardianName: field.name(100),
  guardianPhone: phone,
})

type ChildFields = z.output<typeof childFields>

function reasonGiven(v: ChildFields, ctx: z.RefinementCtx) {
  if (!v.inSchool && !v.outOfSchoolReason)
    ctx.addIssue({ code: 'custom', message: 'v.reasonRequired', path: ['outOfSchoolReason'] })
}

/** A child in school has no reason for being out of it. */
function normalise({
  name,
  gender,
  dateOfBirth,
  ward,
  school,
  schoolClass,
  inSchool,
  outOfSchoolReason,
  guardianName,
  guardianPhone,
}: ChildFields) {
  return {
    name,
    gender,
    dateOfBirth,
    ward,
    school,
    schoolClass,
    inSchool,
    outOfSchoolReason: inSchool ? null : outOfSchoolReason,
    guardianName,
    guardianPhone,
  }
}

export const childSchema = childFields.superRefine(reasonGiven).transform(normalise)

/** Adding a child may record the guardian's consent in the same step (dated today unless told). */
export const newChildSchema = childFields
  .extend({
    consent: field.checkbox(),
    consentOn: z.string('v.invalid').trim().max(10, 'v.date').optional(),
  })
  .superRefine((v, ctx) => {
    reasonGiven(v, ctx)
    const consentOn = v.consent && v.consentOn ? pastDate().safeParse(v.consentOn) : null
    if (consentOn && !consentOn.success)
      ctx.addIssue({ code: 'custom', message: consentOn.error.issues[0].message, path: ['consentOn'] })
  })
  .transform((v) => ({ child: normalise(v), consentOn: v.consent ? v.consentOn || todayIso() : null }))

export const consentSchema = z.object({ givenOn: pastDate() })
export const departureSchema = z.object({ leftOn: pastDate(), note: field.optionalText(300) })

/** Filters come from the address bar: a value we do not know is ignored, never an error. */
export const filterSchema = z
  .object({
    q: z.string().trim().max(100).catch(''),
    gender: z.enum(genders).optional().catch(undefined),
    age: z.enum(ageBands).optional().catch(undefined),
    ward: z.string().trim().max(40).optional().catch(undefined),
    school: z.enum(['yes', 'no']).optional().catch(undefined),
    status: z.enum(childStatuses).catch('active'),
    page: z.coerce.number().int().min(1).max(100_000).catch(1),
  })
  .partial()
  .transform((f) => ({
    q: f.q ?? '',
    status: f.status ?? 'active',
    page: f.page ?? 1,
    gender: f.gender,
    age: f.age,
    ward: f.ward || undefined,
    school: f.school,
  }))

export type ChildInput = z.output<typeof childSchema>
export type ChildFilter = z.output<typeof filterSchema>
