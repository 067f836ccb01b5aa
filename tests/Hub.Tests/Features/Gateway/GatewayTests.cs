using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.Hub.Tests.Features.Gateway;

[Collection(PlatformCollection.Name)]
public sealed class GatewayTests(PlatformFixture platform)
{
    [Fact]
    public async Task Anonymous_call_to_a_protected_api_is_refused_with_problem_details()
    {
        using var response = await platform.Client().GetAsync("/api/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Connections_to_services_are_bounded_by_the_option_for_both_the_hubs_calls_and_the_forwarded_api()
    {
        using var hub = platform.NewHub(new() { ["Gateway:MaxServicesConnections"] = "7" });

        HttpMessageHandler? handler = hub.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("services");
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        Assert.Equal(7, Assert.IsType<SocketsHttpHandler>(handler).MaxConnectionsPerServer);
        var cluster = Assert.Single(hub.Services.GetRequiredService<Yarp.ReverseProxy.IProxyStateLookup>().GetClusters());
        Assert.Equal(7, cluster.Model.Config.HttpClient?.MaxConnectionsPerServer);
    }

    [Fact]
    public async Task Services_not_answering_is_a_503_with_retry_after_not_a_502()
    {
        // A Hub whose Services address has nothing listening: what it meets while Services restarts.
        using var hub = platform.NewHub(new() { ["Gateway:ServicesUrl"] = "http://127.0.0.1:9" });
        using var client = new HttpClient { BaseAddress = new Uri(PlatformFixture.Address(hub.Services)) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", LearningPlatform.Services.Tests.TestTokens.Learner());

        using var response = await client.GetAsync("/api/courses");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")]
    public async Task Forged_tokens_are_refused(string token)
    {
        using var response = await platform.Client(token).GetAsync("/api/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var token = TestJwt.Create("user-1", ["admin"], signingKey: "another-key-0123456789abcdef0123456789abcdef");

        using var response = await platform.Client(token).GetAsync("/api/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var token = TestJwt.Create("user-1", ["learner"], lifetime: TimeSpan.FromMinutes(-5));

        using var response = await platform.Client(token).GetAsync("/api/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Correlation_id_is_echoed_when_plain_and_replaced_when_not()
    {
        using var client = platform.Client();
        using var plain = new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { { "X-Correlation-Id", "abc-123" } } };
        using var hostile = new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { { "X-Correlation-Id", new string('x', 500) } } };

        using var plainResponse = await client.SendAsync(plain);
        using var hostileResponse = await client.SendAsync(hostile);

        Assert.Equal("abc-123", plainResponse.Headers.GetValues("X-Correlation-Id").Single());
        var replaced = hostileResponse.Headers.GetValues("X-Correlation-Id").Single();
        Assert.NotEqual(new string('x', 500), replaced);
        Assert.InRange(replaced.Length, 1, 64);
    }

    [Fact]
    public async Task Correlation_id_reaches_services_problem_details()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-thing")
        {
            Headers = { { "X-Correlation-Id", "corr-from-client" } },
        };
        request.Headers.Authorization = new("Bearer", TestJwt.Create("user-1", ["learner"]));

        using var response = await platform.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("corr-from-client", response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_reaching_services()
    {
        var huge = new string('a', 2 * 1024 * 1024);
        using var content = new StringContent($"{{\"email\":\"{huge}\"}}", Encoding.UTF8, "application/json");

        using var response = await platform.Client().PostAsync("/api/auth/register", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Contains("limit", problem!.Detail);
    }

    [Fact]
    public async Task Health_endpoints_report_live_and_ready_with_their_checks()
    {
        using var client = platform.Client();

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("services").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_are_exposed_in_prometheus_format()
    {
        using var client = platform.Client();
        (await client.GetAsync("/health/live")).Dispose();

        var text = await client.GetStringAsync("/metrics");

        Assert.Contains("# TYPE", text);
        Assert.Contains("http_server_request_duration", text);
    }

    [Fact]
    public async Task The_openapi_document_of_the_public_api_is_served_through_the_gateway()
    {
        using var response = await platform.Client().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("paths").EnumerateObject().Any());
    }
}
