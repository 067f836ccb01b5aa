using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.ServiceDefaults.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace LearningPlatform.Services.Common;

/// <summary>
/// Per account limits of what costs the platform most: runs (the sandbox), and authoring actions that run the sandbox
/// too (saving an exercise runs its reference and starter; an import validates a whole course). Kept here rather than
/// at the gateway because every channel reaches them through Services: REST and the hub's Run and Submit alike, and
/// Services is one process, so the limits hold across Hub replicas. Addresses are the gateway's business.
/// </summary>
public sealed class AccountRateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Runs and submits an account may start per minute, sustained.</summary>
    [Range(1, 100_000)]
    public int RunsPerMinute { get; set; } = 30;

    /// <summary>Runs an account may start in a burst above the sustained rate.</summary>
    [Range(1, 100_000)]
    public int RunBurst { get; set; } = 10;

    /// <summary>Exercise saves and course imports an account may start per minute, sustained.</summary>
    [Range(1, 100_000)]
    public int AuthoringPerMinute { get; set; } = 10;

    /// <summary>Exercise saves and course imports in a burst above the sustained rate.</summary>
    [Range(1, 100_000)]
    public int AuthoringBurst { get; set; } = 20;
}

public static class AccountRateLimits
{
    public const string Runs = "account-runs";
    public const string Authoring = "account-authoring";

    public static IHostApplicationBuilder AddAccountRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AccountRateLimitOptions>(AccountRateLimitOptions.SectionName);
        var options = builder.Configuration.GetSection(AccountRateLimitOptions.SectionName).Get<AccountRateLimitOptions>() ?? new AccountRateLimitOptions();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Runs, http => PerAccount(http, options.RunBurst, options.RunsPerMinute));
            limiter.AddPolicy(Authoring, http => PerAccount(http, options.AuthoringBurst, options.AuthoringPerMinute));
            limiter.OnRejected = async (context, _) =>
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 0;
                if (retryAfter > 0)
                {
                    response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                }

                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = retryAfter > 0
                            ? $"You started too many of these in a short time; try again in {retryAfter} seconds."
                            : "You started too many of these in a short time; wait a moment.",
                    },
                });
            };
        });
        return builder;
    }

    // A token bucket per account: the burst at once, then the sustained rate. Anonymous callers never get this far
    // (the endpoints require authorization), but they would share one bucket rather than pass unlimited.
    private static RateLimitPartition<string> PerAccount(HttpContext http, int burst, int perMinute) =>
        RateLimitPartition.GetTokenBucketLimiter(
            http.User.Identity?.IsAuthenticated == true ? http.User.UserId() : "",
            _ => TokenBuckets.PerMinute(burst, perMinute));
}
