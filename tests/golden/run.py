#!/usr/bin/env python3
"""placeholder replaced by the golden runner"""
import sys
sys.exit(0)
