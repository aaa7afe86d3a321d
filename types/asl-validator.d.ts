declare module 'asl-validator' {
  interface AslValidationError {
    'Error code': string;
    Message: string;
  }
  export default function aslValidator(definition: unknown): {
    isValid: boolean;
    errors: AslValidationError[];
  };
}
