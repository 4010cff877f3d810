import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { mobileSignature } from './mobile-signature';

describeFilterFixtures(mobileSignature);
