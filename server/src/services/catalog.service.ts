import type { CatalogView } from '../../../shared/api';
import { CERTIFICATES, RECEIPT_GROUPS } from '../../../shared/certificates';
import { citiesFor } from '../../../shared/cities';

/** Certificates with their receipt group, photo size and the cities that use receipts for them. */
export function buildCatalog(): CatalogView {
  return {
    certificates: CERTIFICATES.map((c) => ({
      code: c.code,
      name: c.name,
      group: c.group,
      groupName: RECEIPT_GROUPS[c.group].name,
      ...(c.note ? { note: c.note } : {}),
      width: c.spec.width,
      height: c.spec.height,
      cities: citiesFor(c.code).map((city) => ({ code: city.code, name: city.name, province: city.province, validityDays: city.validityDays })),
    })),
  };
}
