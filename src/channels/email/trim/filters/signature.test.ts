import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { signature } from './signature';

describeFilterFixtures(signature);
