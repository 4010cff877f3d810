import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { outlookBlock } from './outlook-block';

describeFilterFixtures(outlookBlock);
