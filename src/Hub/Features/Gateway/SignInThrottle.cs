using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace LearningPlatform.Hub.Features.Gateway;

/// <summary>
/// Failed sign-ins per client address. The rate limiter middleware counts requests before they run; whether a
/// sign-in failed is known only from Services' answer, so this counts each failure afterwards in a sliding window
/// (System.Threading.RateLimiting's) and refuses an address's next sign-in, before it costs a password hash, while its
/// failures are at the limit. Successful sign-ins never count: a class behind one school address signs in freely.
/// </summary>
internal sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly GatewayOptions _options;
    private readonly ILogger<SignInThrottle> _logger;

    public SignInThrottle(IOptions<GatewayOptions> options, ILogger<SignInThrottle> logger)
    {
        _options = options.Value;
        _logger = logger;
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetSlidingWindowLimiter(
            address, _ => GatewayFeature.SlidingWindow(_options.FailedSignInLimit, _options.FailedSignInWindow)));
    }

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (context.GetReverseProxyFeature().Route.Config.RouteId != GatewayFeature.SignInRoute
            || !HttpMethods.IsPost(context.Request.Method))
        {
            await next();
            return;
        }

        var address = GatewayFeature.ClientAddress(context);
        using (var check = _failures.AttemptAcquire(address, permitCount: 0))
        {
            if (!check.IsAcquired)
            {
                GatewayLog.SignInRefused(_logger, address);
                await GatewayFeature.WriteTooManyRequestsAsync(
                    context,
                    GatewayFeature.SegmentOf(_options.FailedSignInWindow),
                    "Too many failed sign-ins from your network; wait before trying again.");
                return;
            }
        }

        await next();
        if (context.Response.StatusCode is StatusCodes.Status400BadRequest or StatusCodes.Status401Unauthorized or StatusCodes.Status423Locked)
        {
            using var counted = _failures.AttemptAcquire(address);
            if (counted.IsAcquired && _failures.GetStatistics(address)?.CurrentAvailablePermits == 0)
            {
                GatewayLog.SignInFailuresAtLimit(_logger, address, _options.FailedSignInLimit, _options.FailedSignInWindow);
            }
        }
    }

    public void Dispose() => _failures.Dispose();
}
