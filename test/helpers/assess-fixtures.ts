import { readFileSync } from 'node:fs';
import { InstanceCatalogSchema } from '../../main/common/model/instance-types';
import { OsSupportDataSchema } from '../../main/common/assess/os-support';
import { EbsPricesSchema } from '../../main/common/assess/storage';
import type { AssessmentReference } from '../../main/common/assess/assess';

const read = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../assets/data/${name}`, import.meta.url), 'utf8'));

/** The bundled reference data (assets/data), as the assessment service loads it. */
export function loadReference(): AssessmentReference {
  return {
    catalog: InstanceCatalogSchema.parse(read('ec2-instance-types.json')),
    osSupport: OsSupportDataSchema.parse(read('aws-os-support.json')),
    ebsPrices: EbsPricesSchema.parse(read('ebs-prices.json')),
  };
}
