import { z } from 'zod'
import { field } from '../core/fields.ts'

export const villageSchema = z.object({
  name: field.name(100),
  gramPanchayat: field.name(100),
  block: field.name(100),
  district: field.name(100),
  state: field.name(100),
})
export type VillageInput = z.output<typeof villageSchema>
