using Livechat.Server.Security;

namespace Livechat.Server.Roles;

/// <summary>Rocket.Chat's default roles and permission role lists (api-conventions §8.2–8.4), seeded at first start.</summary>
public static class Defaults
{
    const string Mgr = "livechat-manager", Mon = "livechat-monitor", Agt = "livechat-agent", Admin = "admin";

    public static readonly IReadOnlyList<(string Id, string Scope, string Description)> Roles =
    [
        ("admin", "Users", "Admin"),
        ("moderator", "Subscriptions", "Moderator"),
        ("leader", "Subscriptions", "Leader"),
        ("owner", "Subscriptions", "Owner"),
        ("user", "Users", ""),
        ("bot", "Users", ""),
        ("app", "Users", ""),
        ("guest", "Users", ""),
        ("anonymous", "Users", ""),
        (Agt, "Users", "Livechat Agent"),
        (Mgr, "Users", "Livechat Manager"),
        (Mon, "Users", ""),
    ];

    public static readonly IReadOnlyList<(string Id, string[] Roles)> PermissionRoles =
    [
        (Permissions.ViewLRoom, [Mgr, Mon, Agt, Admin]),
        (Permissions.ViewLivechatManager, [Mgr, Mon, Admin]),
        (Permissions.ViewLivechatRooms, [Mgr, Mon, Admin]),
        (Permissions.SaveOthersLivechatRoomInfo, [Mgr, Mon, Admin]),
        (Permissions.EditLivechatRoomCustomfields, [Mgr, Mon, Agt, Admin]),
        ("view-livechat-room-customfields", [Mgr, Mon, Agt, Admin]),
        (Permissions.CloseLivechatRoom, [Mgr, Mon, Agt, Admin]),
        (Permissions.CloseOthersLivechatRoom, [Mgr, Mon, Admin]),
        ("on-hold-livechat-room", [Mgr, Mon, Agt, Admin]),
        ("on-hold-others-livechat-room", [Mgr, Mon, Admin]),
        (Permissions.TransferLivechatGuest, [Mgr, Mon, Admin]),
        ("change-livechat-room-visitor", [Admin, Mgr, Agt]),
        ("remove-closed-livechat-rooms", [Mgr, Mon, Admin]),
        ("remove-closed-livechat-room", [Mgr, Admin]),
        ("view-livechat-queue", [Mgr, Mon, Agt, Admin]),
        ("view-livechat-analytics", [Mgr, Mon, Admin]),
        ("view-livechat-real-time-monitoring", [Mgr, Mon, Admin]),
        ("view-livechat-business-hours", [Mgr, Mon, Admin]),
        ("view-livechat-room-closed-same-department", [Mgr, Mon, Admin]),
        ("view-livechat-room-closed-by-another-agent", [Mgr, Mon, Admin]),
        (Permissions.ManageLivechatAgents, [Mgr, Mon, Admin]),
        (Permissions.ManageLivechatManagers, [Mgr, Admin]),
        (Permissions.ManageLivechatDepartments, [Mgr, Mon, Admin]),
        (Permissions.ViewLivechatDepartments, [Mgr, Mon, Admin]),
        (Permissions.AddLivechatDepartmentAgents, [Mgr, Mon, Admin]),
        (Permissions.RemoveLivechatDepartment, [Mgr, Admin]),
        ("view-livechat-triggers", [Mgr, Admin]),
        ("view-livechat-customfields", [Mgr, Admin]),
        ("view-livechat-installation", [Mgr, Admin]),
        ("view-livechat-appearance", [Mgr, Admin]),
        ("view-livechat-webhooks", [Mgr, Admin]),
        ("send-omnichannel-chat-transcript", [Mgr, Admin]),
        ("view-omnichannel-contact-center", [Mgr, Agt, Mon, Admin]),
        (Permissions.EditOmnichannelContact, [Mgr, Agt, Admin]),
        ("create-livechat-contact", [Mgr, Mon, Agt, Admin]),
        ("update-livechat-contact", [Mgr, Mon, Agt, Admin]),
        ("view-livechat-contact", [Mgr, Mon, Agt, Admin]),
        ("view-livechat-contact-history", [Mgr, Mon, Agt, Admin]),
        ("delete-livechat-contact", [Mgr, Admin]),
        (Permissions.ManageLivechatTags, [Admin, Mgr]),
        (Permissions.ManageLivechatPriorities, [Admin, Mgr]),
        (Permissions.ManageLivechatSla, [Admin, Mgr]),
        ("manage-livechat-units", [Admin, Mgr]),
        ("manage-livechat-monitors", [Admin, Mgr]),
        ("manage-livechat-canned-responses", [Admin, Mgr, Mon]),
        ("view-livechat-reports", [Admin, Mgr, Mon]),
        ("request-pdf-transcript", [Admin, Mgr, Mon, Agt]),
        ("block-livechat-contact", [Admin, Mgr, Mon, Agt]),
        ("unblock-livechat-contact", [Admin, Mgr, Mon, Agt]),
        (Permissions.ApiBypassRateLimit, [Admin, "bot", "app"]),
        (Permissions.CreateUser, [Admin]),
        (Permissions.AccessPermissions, [Admin]),
        (Permissions.AssignRoles, [Admin]),
        (Permissions.CreatePersonalAccessTokens, [Admin, "user"]),
        (Permissions.ViewPrivilegedSetting, [Admin]),
        (Permissions.EditPrivilegedSetting, [Admin]),
        (Permissions.MessageImpersonate, ["bot", "app"]),
        (Permissions.ViewFullOtherUserInfo, [Admin]),
    ];
}
