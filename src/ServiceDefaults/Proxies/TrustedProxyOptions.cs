using System.ComponentModel.DataAnnotations;
using System.Net;

namespace LearningPlatform.ServiceDefaults.Proxies;

/// <summary>
/// Which peers may tell the process who the client is (<c>X-Forwarded-For</c>) and whether it came over HTTPS
/// (<c>X-Forwarded-Proto</c>). Nobody by default: a spoofed header from anyone else changes nothing, and the client
/// address stays the TCP peer. Behind a load balancer or reverse proxy, name it here, or rate limits keyed on the
/// client address see one address for everybody.
/// </summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Addresses of the proxies whose forwarded headers are believed, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>
    /// How many trusted proxies in a row may be passed through (entries of <c>X-Forwarded-For</c> read from the right).
    /// 1 when one proxy stands in front; 2 for a load balancer in front of the compose entry point, and so on.
    /// </summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies)
        {
            if (!IPAddress.TryParse(proxy, out _))
            {
                yield return new ValidationResult($"'{proxy}' is not an IP address.", [nameof(KnownProxies)]);
            }
        }

        foreach (var network in KnownNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult($"'{network}' is not a network in CIDR notation (address/prefix length).", [nameof(KnownNetworks)]);
            }
        }
    }
}
