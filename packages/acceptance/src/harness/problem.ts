// The RFC 9457 checks every suite makes of an error answer, raw (a Response) or through the typed
// client (the ApiError it throws, which keeps the answer it came from).
import { expect } from 'vitest';
import { Problem } from '@bot-mox/contracts';
import { ApiError, type AnswerSeen } from '@bot-mox/contracts/client';

/** Asserts an RFC 9457 problem with `status`; returns it. */
export async function expectProblem(res: Response, status: number): Promise<Problem> {
  return checkProblem({ status: res.status, headers: res.headers, text: await res.text() }, status);
}

/** Asserts that a typed-client call failed with an RFC 9457 problem with `status`; returns it. */
export async function expectApiProblem(call: Promise<unknown>, status: number): Promise<Problem> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected a ${status} problem, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(ApiError);
  const { response } = error as ApiError;
  expect(response, 'the ApiError carries the answer').toBeDefined();
  return checkProblem(response!, status);
}

function checkProblem(answer: AnswerSeen, status: number): Problem {
  const { headers, text } = answer;
  expect(answer.status, text).toBe(status);
  expect(headers.get('content-type')).toContain('application/problem+json');
  const problem = Problem.parse(JSON.parse(text));
  expect(problem.request_id).toBe(headers.get('x-request-id'));
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+|select |insert into|duplicate key value/i);
  return problem;
}
