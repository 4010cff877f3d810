import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { trailingRules } from './trailing-rules';

describeFilterFixtures(trailingRules);
