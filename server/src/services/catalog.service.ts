import type { CatalogView } from '../../../shared/api';
import { CERTIFICATES, RECEIPT_GROUPS } from '../../../shared/certificates';
import { CITIES } from '../../../shared/cities';

/**
 * Certificates with their receipt group and photo size, and every city with its own facts
 * (validity, single use, the certificates its offices take receipts for). One city list rather
 * than one per certificate: with every city of the country that would be ~2,600 rows.
 */
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
    })),
    cities: CITIES.map((city) => ({
      code: city.code,
      name: city.name,
      province: city.province,
      validityDays: city.validityDays,
      singleUse: city.singleUse,
      certificates: [...city.certificates],
    })),
  };
}
