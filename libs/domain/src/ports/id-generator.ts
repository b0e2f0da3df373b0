export interface IdGenerator {
  newJobId(): string;
  newClaimToken(): string;
}
