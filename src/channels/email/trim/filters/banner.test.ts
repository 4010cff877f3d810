import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { banner } from './banner';

describeFilterFixtures(banner);
