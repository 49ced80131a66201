using System.Collections.Frozen;
using System.Security.Claims;
using Livechat.Server.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Security;

/// <summary>Permission names, and the one mechanism that checks them: per route, or inside a handler.</summary>
public static class Permissions
{
    public const string ViewLRoom = "view-l-room";
    public const string ViewLivechatManager = "view-livechat-manager";
    public const string ViewLivechatRooms = "view-livechat-rooms";
    public const string ViewLivechatWebhooks = "view-livechat-webhooks";
    public const string SaveOthersLivechatRoomInfo = "save-others-livechat-room-info";
    public const string EditLivechatRoomCustomfields = "edit-livechat-room-customfields";
    public const string CloseLivechatRoom = "close-livechat-room";
    public const string CloseOthersLivechatRoom = "close-others-livechat-room";
    public const string TransferLivechatGuest = "transfer-livechat-guest";
    public const string EditOmnichannelContact = "edit-omnichannel-contact";
    public const string ManageLivechatAgents = "manage-livechat-agents";
    public const string ManageLivechatDepartments = "manage-livechat-departments";
    public const string ViewLivechatDepartments = "view-livechat-departments";
    public const string AddLivechatDepartmentAgents = "add-livechat-department-agents";
    public const string RemoveLivechatDepartment = "remove-livechat-department";
    public const string ManageLivechatTags = "manage-livechat-tags";
    public const string ManageLivechatPriorities = "manage-livechat-priorities";
    public const string ManageLivechatSla = "manage-livechat-sla";
    public const string ApiBypassRateLimit = "api-bypass-rate-limit";
    public const string CreateUser = "create-user";
    public const string AccessPermissions = "access-permissions";
    public const string AssignRoles = "assign-roles";
    public const string CreatePersonalAccessTokens = "create-personal-access-tokens";
    public const string ViewPrivilegedSetting = "view-privileged-setting";
    public const string EditPrivilegedSetting = "edit-privileged-setting";
    public const string ManageLivechatManagers = "manage-livechat-managers";
    public const string MessageImpersonate = "message-impersonate";
    public const string ViewFullOtherUserInfo = "view-full-other-user-info";
    public const string ViewLivechatTriggers = "view-livechat-triggers";
    public const string ViewCannedResponses = "view-canned-responses";
    public const string ViewAllCannedResponses = "view-all-canned-responses";
    public const string SaveCannedResponses = "save-canned-responses";
    public const string SaveAllCannedResponses = "save-all-canned-responses";
    public const string SaveDepartmentCannedResponses = "save-department-canned-responses";
    public const string RemoveCannedResponses = "remove-canned-responses";
    public const string SendOmnichannelChatTranscript = "send-omnichannel-chat-transcript";

    /// <summary>The route needs an authenticated caller (401 envelope otherwise).</summary>
    public static TBuilder RequireRocketChatAuth<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization();

    /// <summary>The route needs every one of these permissions (403 [error-unauthorized] otherwise).</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, params string[] permissions)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policy(new PermissionRequirement(permissions, Any: false)));

    /// <summary>The route needs at least one of these permissions.</summary>
    public static TBuilder RequireAnyPermission<TBuilder>(this TBuilder builder, params string[] permissions)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policy(new PermissionRequirement(permissions, Any: true)));

    static AuthorizationPolicy Policy(PermissionRequirement requirement) =>
        new AuthorizationPolicyBuilder(RocketChatAuthentication.SchemeName).RequireAuthenticatedUser().AddRequirements(requirement).Build();
}

public sealed record PermissionRequirement(IReadOnlyList<string> Permissions, bool Any) : IAuthorizationRequirement;

sealed class PermissionHandler(PermissionStore store) : AuthorizationHandler<PermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var roles = context.User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        var held = 0;
        foreach (var permission in requirement.Permissions)
        {
            if (await store.HasAsync(roles, permission)) held++;
        }
        if (requirement.Any ? held > 0 : held == requirement.Permissions.Count)
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// Which roles hold which permission, from an in-memory snapshot. <c>permissions.update</c> invalidates it, so a change
/// applies to the very next request; other server processes pick it up within two seconds.
/// </summary>
public sealed class PermissionStore(IServiceScopeFactory scopes, TimeProvider time)
{
    static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    volatile Snapshot? _snapshot;

    sealed record Snapshot(FrozenDictionary<string, FrozenSet<string>> Roles, DateTimeOffset LoadedAt);

    public async ValueTask<bool> HasAsync(IEnumerable<string> userRoles, string permission, CancellationToken ct = default)
    {
        var snapshot = _snapshot;
        if (snapshot is null || time.GetUtcNow() - snapshot.LoadedAt >= MaxAge)
        {
            snapshot = await LoadAsync(ct);
        }
        return snapshot.Roles.TryGetValue(permission, out var roles) && userRoles.Any(roles.Contains);
    }

    public async ValueTask<bool> HasAsync(CurrentUser user, string permission, CancellationToken ct = default) =>
        await HasAsync(user.Roles, permission, ct);

    public void Invalidate() => _snapshot = null;

    async Task<Snapshot> LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var rows = await db.Permissions.AsNoTracking().Select(p => new { p.Id, p.Roles }).ToListAsync(ct);
        var snapshot = new Snapshot(rows.ToFrozenDictionary(r => r.Id, r => r.Roles.ToFrozenSet()), time.GetUtcNow());
        _snapshot = snapshot;
        return snapshot;
    }
}

