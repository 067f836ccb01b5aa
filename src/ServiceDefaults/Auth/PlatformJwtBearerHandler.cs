using System.Security.Claims;
using System.Text.Encodings.Web;
using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LearningPlatform.ServiceDefaults.Auth;

/// <summary>
/// JWT bearer authentication that gives hub connections a lean principal: <c>sub</c> and <c>role</c> claims only,
/// with no reference to the validated token. A hub connection keeps its request (and this handler) for hours, so
/// the token's objects would otherwise stay with it (about 4 KB per connection). Other requests keep the full
/// principal.
/// </summary>
internal sealed class PlatformJwtBearerHandler(IOptionsMonitor<JwtBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : JwtBearerHandler(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The base method's completed state machine keeps the token and the full principal in its fields, and the
        // handler caches its task for the request. Awaiting it here lets it go: the handler caches this task instead.
        var result = await base.HandleAuthenticateAsync();
        // Revocations could not be looked up (Redis down, or emptied and not reloaded yet): not the caller's fault,
        // so not a 401 that would sign them out; the exception handler answers 503 with Retry-After.
        if (DependencyUnavailableHandler.IsOutage(result.Failure))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(result.Failure!);
        }

        return result.Succeeded && Request.Path.StartsWithSegments(AuthExtensions.HubPaths)
            ? AuthenticateResult.Success(new AuthenticationTicket(Lean(result.Principal), result.Properties, Scheme.Name))
            : result;
    }

    /// <summary>The claims the platform reads (<c>sub</c>, <c>role</c>), with the identity's name and role claim types.</summary>
    internal static ClaimsPrincipal Lean(ClaimsPrincipal principal)
    {
        var full = principal.Identities.First();
        var lean = new ClaimsIdentity(full.AuthenticationType, full.NameClaimType, full.RoleClaimType);
        foreach (var claim in full.Claims)
        {
            if (claim.Type == JwtRegisteredClaimNames.Sub)
            {
                lean.AddClaim(new Claim(JwtRegisteredClaimNames.Sub, claim.Value));
            }
            else if (claim.Type == AuthExtensions.RoleClaimType)
            {
                // The known roles as the shared literals, not one string per connection.
                lean.AddClaim(new Claim(AuthExtensions.RoleClaimType, Roles.All.FirstOrDefault(r => r == claim.Value) ?? claim.Value));
            }
        }

        return new ClaimsPrincipal(lean);
    }
}
