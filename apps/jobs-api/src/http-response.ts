import type { APIGatewayProxyResult } from 'aws-lambda';

/** A JSON response that no cache keeps: job status changes under the caller's feet. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
