import type { CreditBureau } from '../../domain/ports';
import { creditBureauFromEnvironment } from '../credit-bureau-config';

/** The domain asks for the bureau when it needs it: its credentials are read from the secret then. */
export const bureau = (): (() => Promise<CreditBureau>) => creditBureauFromEnvironment;
