import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { quotedBlockIntro } from './quoted-block-intro';

describeFilterFixtures(quotedBlockIntro);
