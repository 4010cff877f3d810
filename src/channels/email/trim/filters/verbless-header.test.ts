import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { verblessHeader } from './verbless-header';

describeFilterFixtures(verblessHeader);
