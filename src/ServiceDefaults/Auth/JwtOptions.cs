using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.ServiceDefaults.Auth;

/// <summary>How access tokens are signed and checked. The signing key comes from configuration, never the repo.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    [Required]
    public string Issuer { get; set; } = "learning-platform";

    [Required]
    public string Audience { get; set; } = "learning-platform";

    /// <summary>HMAC-SHA256 key, at least 32 characters. Without one the process refuses to start.</summary>
    [Required(ErrorMessage = "Jwt:SigningKey is required (at least 32 characters); ./run.sh generates a development key.")]
    [MinLength(32, ErrorMessage = "Jwt:SigningKey must be at least 32 characters.")]
    public string SigningKey { get; set; } = "";

    /// <summary>Lifetime of an access token.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Clock skew tolerated when checking a token's lifetime.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
