"""Remote control (远端管控, R9): pop-up ① flags for travel that touches a listed area, verification."""
