import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { trailingQuote } from './trailing-quote';

describeFilterFixtures(trailingQuote);
