using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.ServiceDefaults.Redis;
using LearningPlatform.Tests.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearningPlatform.ServiceDefaults.Tests.Auth;

/// <summary>The platform's bearer authentication on a real Kestrel host with real Redis (for revocation).</summary>
public sealed class PlatformJwtBearerHandlerTests : IAsyncLifetime
{
    private const string SigningKey = "a-signing-key-for-the-auth-tests-only-0123456789";
    private static readonly string RedisConfiguration = Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379";
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration[TestLogging.Key] = TestLogging.Level;
        builder.Configuration["Jwt:SigningKey"] = SigningKey;
        builder.Configuration["Redis:Configuration"] = RedisConfiguration;
        builder.Configuration["Redis:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..12] + ":";
        builder.Services.AddRedis();
        builder.Services.AddPlatformAuthentication();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.MapGet("/hubs/whoami", Describe);
        _app.MapGet("/api/whoami", Describe);
        await _app.StartAsync();
        await _app.Services.GetRequiredService<TokenRevocation>().LoadAsync([]); // what Services does at start
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    [Fact]
    public async Task A_hub_request_gets_a_principal_of_sub_and_roles_only_without_the_token()
    {
        var who = await WhoAmIAsync("/hubs/whoami?access_token=" + Token("u1", "instructor", "admin"), header: false);

        Assert.Equal(["sub=u1", "role=instructor", "role=admin"], who.Claims);
        Assert.Equal("u1", who.Name);
        Assert.True(who.IsInstructor);
        Assert.Equal(nameof(ClaimsIdentity), who.IdentityType);
        Assert.False(who.TokenSaved);
        Assert.True(who.ExpiresUtc > DateTimeOffset.UtcNow); // what CloseOnAuthenticationExpiration reads
    }

    [Fact]
    public async Task Other_requests_keep_every_claim_of_the_token()
    {
        var who = await WhoAmIAsync("/api/whoami", header: true, Token("u1", "instructor"));

        Assert.Contains("email=ada@example.com", who.Claims);
        Assert.Contains("role=instructor", who.Claims);
        Assert.False(who.TokenSaved);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_on_hub_paths_too()
    {
        var token = Token("u2", "learner");
        await _app.Services.GetRequiredService<TokenRevocation>().RaiseAsync("u2", 1);

        using var response = await _client.GetAsync("/hubs/whoami?access_token=" + token);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<WhoAmI> WhoAmIAsync(string path, bool header, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (header)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<WhoAmI>())!;
    }

    private static async Task Describe(HttpContext context)
    {
        var result = await context.AuthenticateAsync();
        if (!result.Succeeded)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var user = result.Principal;
        await context.Response.WriteAsJsonAsync(new WhoAmI(
            [.. user.Claims.Select(c => $"{c.Type}={c.Value}")],
            user.Identity?.Name,
            user.IsInRole("instructor"),
            user.Identity!.GetType().Name,
            result.Properties.Items.Keys.Any(k => k.StartsWith(".Token", StringComparison.Ordinal)),
            result.Properties.ExpiresUtc));
    }

    private static string Token(string userId, params string[] roles) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([
            new Claim("sub", userId), new Claim("email", "ada@example.com"), new Claim("name", "Ada"), new Claim("gen", "0"),
            .. roles.Select(r => new Claim("role", r))]),
        Issuer = "learning-platform",
        Audience = "learning-platform",
        Expires = DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = new SigningCredentials(AuthExtensions.SigningKey(new JwtOptions { SigningKey = SigningKey }), SecurityAlgorithms.HmacSha256),
    });

    private sealed record WhoAmI(string[] Claims, string? Name, bool IsInstructor, string IdentityType, bool TokenSaved, DateTimeOffset? ExpiresUtc);
}
