using System.Net;
using LearningPlatform.ServiceDefaults.Proxies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningPlatform.ServiceDefaults.Tests.Proxies;

/// <summary>What the ForwardedHeaders middleware is given (its effect on requests: tests/Hub.Tests ForwardedHeadersTests).</summary>
public sealed class TrustedProxyTests
{
    [Fact]
    public void Without_configured_proxies_no_forwarded_header_is_read_not_even_from_loopback()
    {
        var options = Forwarded([]);

        // Two empty lists would make the middleware believe every caller: no headers at all instead.
        Assert.Equal(ForwardedHeaders.None, options.ForwardedHeaders);
    }

    [Fact]
    public void Configured_proxies_are_the_only_ones_believed()
    {
        var options = Forwarded(new()
        {
            ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.5",
            ["ForwardedHeaders:KnownNetworks:0"] = "192.168.7.0/24",
            ["ForwardedHeaders:ForwardLimit"] = "2",
        });

        Assert.Equal(ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, options.ForwardedHeaders);
        Assert.Equal([IPAddress.Parse("10.0.0.5")], options.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("192.168.7.0/24")], options.KnownIPNetworks);
        Assert.Equal(2, options.ForwardLimit);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.example")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0")]
    [InlineData("ForwardedHeaders:ForwardLimit", "0")]
    public void Bad_configuration_is_refused_naming_the_setting(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Forwarded(new() { [key] = value }));

        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    private static ForwardedHeadersOptions Forwarded(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddTrustedProxies();
        using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<IOptions<TrustedProxyOptions>>().Value; // validated as at start
        return provider.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
    }
}
