using Livechat.Server.Auth;
using Livechat.Server.Http;
using Livechat.Server.Priorities;
using Livechat.Server.Roles;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Data;

/// <summary>
/// Migrates, then seeds what a first start needs: roles, permissions, settings, the admin and the five priorities. It runs as the first
/// hosted service, so the server only starts listening (and <c>/api/info</c> only answers) once it is done.
/// </summary>
public sealed class Seeding(IServiceScopeFactory scopes, IConfiguration config, TimeProvider time, ILogger<Seeding> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var now = time.UtcNow();
        await db.MigrateAsync(log, cancellationToken);
        await SeedRolesAsync(db, now);
        await SettingsStore.SeedAsync(db, config, now, cancellationToken);
        await SeedAdminAsync(db, config, now);
        await DefaultPriorities.SeedAsync(db, now, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    static async Task SeedRolesAsync(LivechatDb db, DateTime now)
    {
        var roles = await db.Roles.Select(r => r.Id).ToListAsync();
        foreach (var (id, scope, description) in Defaults.Roles.Where(r => !roles.Contains(r.Id)))
        {
            db.Roles.Add(new Role { Id = id, Name = id, Scope = scope, Description = description, UpdatedAt = now });
        }
        // Permissions are seeded once; afterwards only permissions.update changes their role lists.
        var permissions = await db.Permissions.Select(p => p.Id).ToListAsync();
        foreach (var (id, holders) in Defaults.PermissionRoles.Where(p => !permissions.Contains(p.Id)))
        {
            db.Permissions.Add(new Permission { Id = id, Roles = [.. holders], UpdatedAt = now });
        }
        await db.SaveChangesAsync();
    }

    /// <summary>On a first start with no users: ADMIN_USERNAME / ADMIN_PASS / ADMIN_EMAIL, or admin with a random password.</summary>
    static async Task SeedAdminAsync(LivechatDb db, IConfiguration config, DateTime now)
    {
        if (await db.Users.AnyAsync()) return;
        var username = config["ADMIN_USERNAME"] is { Length: > 0 } u ? u : "admin";
        var password = config["ADMIN_PASS"] is { Length: > 0 } p ? p : null;
        var admin = new User
        {
            Id = Ids.NewId(), Username = username, UsernameKey = username.ToLowerInvariant(), Name = "Administrator",
            Email = config["ADMIN_EMAIL"] is { Length: > 0 } e ? e.Trim().ToLowerInvariant() : null, EmailVerified = true,
            Roles = ["admin", "user"], CreatedAt = now, UpdatedAt = now,
        };
        var generated = password is null;
        password ??= Ids.NewSecret()[..20];
        admin.PasswordHash = Passwords.Hash(admin, password);
        db.Users.Add(admin);
        await db.SaveChangesAsync();
        if (generated)
        {
            // Printed once, to the console only (not through the logger), as the run contract asks.
            Console.WriteLine($"Created the admin user '{username}' with the password: {password}");
        }
    }
}
