import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { gluedHeader } from './glued-header';

describeFilterFixtures(gluedHeader);
