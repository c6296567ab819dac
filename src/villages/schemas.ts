import { z } from 'zod'
import { field } from '../web/forms.ts'

export const villageSchema = z.object({
  name: field.text(100),
  gramPanchayat: field.text(100),
  block: field.text(100),
  district: field.text(100),
  state: field.text(100),
})
export type VillageInput = z.output<typeof villageSchema>
