using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Auth;

/// <summary>A login token or personal access token, stored only as Meteor's token hash.</summary>
public sealed class LoginToken
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string HashedToken { get; init; }
    public required DateTime When { get; init; }

    /// <summary><c>"personalAccessToken"</c>, or null for a login token.</summary>
    public string? Type { get; init; }

    public string? Name { get; init; }
    public string? LastTokenPart { get; init; }
    public bool BypassTwoFactor { get; init; }
}

/// <summary>One password login attempt, kept for Rocket.Chat's Block_Multiple_Failed_Logins rules.</summary>
public sealed class LoginAttempt
{
    public long Id { get; init; }
    public required string Ip { get; init; }
    public string? Username { get; init; }
    public required bool Succeeded { get; init; }
    public required DateTime Ts { get; init; }
}

sealed class LoginTokenConfiguration : IEntityTypeConfiguration<LoginToken>, IEntityTypeConfiguration<LoginAttempt>
{
    public void Configure(EntityTypeBuilder<LoginToken> b)
    {
        b.ToTable("login_tokens");
        b.HasKey(t => t.Id);
        b.HasIndex(t => t.HashedToken).IsUnique();
        b.HasIndex(t => new { t.UserId, t.Type, t.Name });
        b.HasOne<Users.User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<LoginAttempt> b)
    {
        b.ToTable("login_attempts");
        b.HasKey(a => a.Id);
        b.HasIndex(a => new { a.Ip, a.Ts });
        b.HasIndex(a => new { a.Username, a.Ts });
        b.HasIndex(a => a.Ts);   // housekeeping's retention delete
    }
}
