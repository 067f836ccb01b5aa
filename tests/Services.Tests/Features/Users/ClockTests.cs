using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.Services.Tests.Features.Users;

/// <summary>A clock the test moves by hand, so expiry is tested without waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>
/// A Services host of its own whose TimeProvider is a <see cref="ManualClock"/>. Only server-side expiries follow the
/// clock (refresh tokens, lockouts); JWT validation keeps the real clock, so tests do not use access tokens after
/// moving it.
/// </summary>
public sealed class ClockFixture : WebApplicationFactory<ServicesEntryPoint>
{
    public ManualClock Clock { get; } = new();

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "lp-users-clock-" + Guid.NewGuid().ToString("N"));

    public ClockFixture()
    {
        UseKestrel(0);
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in ServicesFixture.Settings(_dataDirectory, "t" + Guid.NewGuid().ToString("N")[..12] + ":"))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still closing: the temp folder is cleaned by the OS
        }
    }
}

// Tests here move the shared clock forward only, and each asserts on its own account: they stay independent.
public sealed class ClockTests(ClockFixture fixture) : IClassFixture<ClockFixture>
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Refresh_AfterItsLifetime_Returns401()
    {
        var (_, tokens) = await UsersApi.NewLearnerAsync(_client);
        var (_, control) = await UsersApi.NewLearnerAsync(_client);
        Assert.Equal(HttpStatusCode.OK, (await UsersApi.RefreshAsync(_client, control.RefreshToken)).StatusCode);

        fixture.Clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));

        await UsersApi.ProblemAsync(await UsersApi.RefreshAsync(_client, tokens.RefreshToken), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Lockout_EndsAfterItsDuration()
    {
        var email = UsersApi.NewEmail();
        await UsersApi.RegisterAsync(_client, email);
        for (var i = 0; i < 5; i++)
        {
            await UsersApi.LoginAsync(_client, email, "Wrong-password-1");
        }

        await UsersApi.ProblemAsync(await UsersApi.LoginAsync(_client, email), (HttpStatusCode)423);

        fixture.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        await UsersApi.LoginOkAsync(_client, email);
    }
}
