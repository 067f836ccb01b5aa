using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningPlatform.ServiceDefaults.Proxies;

public static class ForwardedHeadersExtensions
{
    /// <summary>
    /// ASP.NET Core's forwarded-headers middleware, believing only the proxies of <see cref="TrustedProxyOptions"/>
    /// (its own default would trust loopback, which for the Hub is any local client).
    /// </summary>
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddValidatedOptions<TrustedProxyOptions>(TrustedProxyOptions.SectionName);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            var proxies = trusted.Value;
            // The middleware believes every caller when both lists are empty, so "nobody" is no headers at all.
            // Host is not taken over: nothing here builds links from it, and a forged host is one more thing to check.
            forwarded.ForwardedHeaders = proxies.KnownProxies.Length + proxies.KnownNetworks.Length == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = proxies.ForwardLimit;
            // The defaults (loopback) go: for the Hub, loopback is any local client.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in proxies.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in proxies.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }
}
