namespace Livechat.Server.Agents;

/// <summary>The roles that <c>livechat/users/agent</c> and <c>livechat/users/manager</c> grant.</summary>
public static class AgentRoles
{
    public const string Agent = "livechat-agent";
    public const string Manager = "livechat-manager";
}
