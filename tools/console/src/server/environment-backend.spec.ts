import { APIGatewayClient, CreateRestApiCommand, DeleteRestApiCommand } from '@aws-sdk/client-api-gateway';
import { environmentConsoleBackend, findApiUrl } from './environment-backend';

/** Against moto's API Gateway (the suite's global setup starts moto and names it in MOTO_ENDPOINT). */
describe("a deployed environment's console", () => {
  const endpoint = process.env['MOTO_ENDPOINT'] as string;
  const apiGateway = new APIGatewayClient({ endpoint });
  const name = `async-jobs-test${Date.now()}-api`;
  afterAll(() => apiGateway.destroy());

  it("finds the environment's API by its name and gives its stage's invoke URL", async () => {
    const { id } = await apiGateway.send(new CreateRestApiCommand({ name }));
    await apiGateway.send(new CreateRestApiCommand({ name: `${name}-other` }));
    expect(await findApiUrl(apiGateway, name, 'staging', 'eu-west-1')).toBe(`https://${id}.execute-api.eu-west-1.amazonaws.com/staging`);
  });

  it('says what to do when no API, or more than one, has the name', async () => {
    await expect(findApiUrl(apiGateway, `${name}-missing`, 'dev', 'us-east-1')).rejects.toThrow(
      `No REST API named ${name}-missing in us-east-1: deploy the environment, or give --endpoint (terraform output -raw api_url)`,
    );
    const { id } = await apiGateway.send(new CreateRestApiCommand({ name }));
    await expect(findApiUrl(apiGateway, name, 'dev', 'us-east-1')).rejects.toThrow(
      /^2 REST APIs are named .* give --endpoint to pick one$/,
    );
    await apiGateway.send(new DeleteRestApiCommand({ restApiId: id }));
  });

  it("names the environment's API and archive, with replays under the prefix the operators' grant allows, and refuses an unknown environment", async () => {
    const backend = await environmentConsoleBackend({ environment: 'prod', endpoint: 'https://api.example/prod' });
    expect(backend).toMatchObject({ environment: 'prod', apiUrl: 'https://api.example/prod', identities: [{ name: 'default' }] });
    expect(backend.archive?.names).toEqual({
      archive: 'async-jobs-prod-failed-events-archive',
      replayRule: 'async-jobs-prod-replay-to-error-handler',
      replayPrefix: 'async-jobs-prod-console-',
    });
    await expect(environmentConsoleBackend({ environment: 'qa', endpoint: 'https://x' })).rejects.toThrow('Unknown environment "qa"');
  });
});
